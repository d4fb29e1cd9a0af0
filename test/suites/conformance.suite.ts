import { runFiles } from '../support/suite.js'
import { GROUPS } from './groups.js'

await runFiles(GROUPS.conformance as string[])
