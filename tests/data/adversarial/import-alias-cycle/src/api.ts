import { b } from './b'

export const a = b
export const handler = async () => a()
