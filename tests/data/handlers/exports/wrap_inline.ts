import { wrap } from './impl/wrap'

export const handler = wrap({ name: 'x' }, async (event: unknown) => {
  return event
})
