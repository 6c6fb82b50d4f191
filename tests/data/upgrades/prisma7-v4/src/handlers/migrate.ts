import { execFileSync } from 'node:child_process'

// Invoked once per deploy (`serverless invoke -f migrate`); never behind an API.
export const handler = async () => {
  execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'], {
    stdio: 'inherit',
  })
  return { migrated: true }
}
