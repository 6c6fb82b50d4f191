import { a } from './api'

export const b = a
