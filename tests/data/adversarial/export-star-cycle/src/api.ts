export * from './a'
export * from './b'
export * from './c'
export * from './d'
export const from_api = 1
