import middy from '@middy/core'
import jsonBodyParser from '@middy/http-json-body-parser'

const baseHandler = async (event: { body: string }) => {
  return { statusCode: 200, body: event.body }
}

export const handler = middy(baseHandler).use(jsonBodyParser())
