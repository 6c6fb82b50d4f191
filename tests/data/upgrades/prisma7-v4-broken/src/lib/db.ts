import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '../generated/prisma/client'

const adapter = new PrismaPg({
  connectionString: process.env.DATABASE_URL,
  ssl: { rejectUnauthorized: false },
})

export const prisma = new PrismaClient({ adapter })

prisma.$use(async (params, next) => {
  const started = Date.now()
  const result = await next(params)
  console.log(`${params.model}.${params.action} took ${Date.now() - started} ms`)
  return result
})
