export type Other = string
export const helper = 1
