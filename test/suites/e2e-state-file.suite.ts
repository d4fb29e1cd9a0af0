import { runFiles } from '../support/suite.js'
import { GROUPS } from './groups.js'

await runFiles(GROUPS['e2e-state-file'] as string[])
