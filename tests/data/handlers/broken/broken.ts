export const handler = async (event) => {
  const value = (1 +
  return { statusCode: 200 }
