import type { APIGatewayProxyHandlerV2 } from 'aws-lambda'
import { prisma } from '../lib/db'

export const list: APIGatewayProxyHandlerV2 = async () => {
  const orders = await prisma.order.findMany({ take: 50 })
  return { statusCode: 200, body: JSON.stringify(orders) }
}
