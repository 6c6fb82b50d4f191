const impl = async (event: unknown) => event

export { impl as handler }
