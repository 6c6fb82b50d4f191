import { getRepository } from '../lib/repository'
import { Reporter } from '../lib/reporter'
import { sharedClient } from '../lib/shared'

export const handler = async (event: { id: string }) => {
  const repository = getRepository()
  const reporter = new Reporter()
  reporter.report(event.id)
  return repository.find(event.id).then((rows) => rows.map((row) => ({ ...row, shared: !!sharedClient })))
}
