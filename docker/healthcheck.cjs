// Docker HEALTHCHECK for the northflank-mock image: exit 0 when GET /_mock/health answers 200.
// Plain CommonJS with node:http, so it starts fast and needs neither curl nor wget in the image.
'use strict'
const http = require('node:http')

const port = process.env.PORT || '8080'
const request = http.get({ host: '127.0.0.1', port, path: '/_mock/health', timeout: 2000 }, (response) => {
  response.resume()
  process.exit(response.statusCode === 200 ? 0 : 1)
})
request.on('timeout', () => request.destroy(new Error('timed out')))
request.on('error', (err) => {
  console.error(`healthcheck: ${err.message}`)
  process.exit(1)
})
