import { PrismaClient } from '@prisma/client'

export const sharedClient = new PrismaClient()

export function unused() {
  return new PrismaClient()
}
