import * as impl from './impl/real'

export const handler = impl.main
