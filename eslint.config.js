import globals from 'globals'
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', '.tap/**', 'coverage/**', '.tmp/**'] }),
  // The inspector's script runs in the browser, as a classic script (src/routes/admin/ui/index.ts serves it):
  // the browser's globals, and none of Node's that neostandard declares (process, Buffer…).
  {
    files: ['src/routes/admin/ui/inspector.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        ...globals.browser,
        ...Object.fromEntries(Object.keys(globals.node).filter((name) => !(name in globals.browser)).map((name) => [name, 'off']))
      }
    }
  }
]
