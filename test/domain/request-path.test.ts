import t from 'tap'
import { requestPath } from '../../src/domain/request-path.js'

t.test('requestPath drops the query string and repeated slashes', async (t) => {
  t.equal(requestPath('/v1/x?y=1'), '/v1/x')
  t.equal(requestPath('//v1//x'), '/v1/x')
  t.equal(requestPath('/v1/x'), '/v1/x')
})
