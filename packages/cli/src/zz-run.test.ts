import { it } from 'vitest'
import { docket } from '/work/main/packages/cli/src/internal/testing.js'
it('x', async () => {
  const r = await docket((process.env.ARGS ?? 'demo').split(' '), { cwd: '/tmp' })
  console.log(r.stdout)
  console.error(r.stderr, 'code', r.code)
})
