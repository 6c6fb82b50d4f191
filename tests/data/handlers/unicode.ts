// Grüße — 日本語
const greeting = 'héllo wörld'; const client = new PrismaClient()
export const handler = () => greeting
