import { Type, type Static } from '@sinclair/typebox'

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  ready: Type.Boolean({ description: 'Fixtures are loaded and the API answers' }),
  name: Type.Literal('northflank-mock'),
  version: Type.String(),
  uptime: Type.Number({ description: 'Seconds since start' })
})
export type Health = Static<typeof HealthSchema>
