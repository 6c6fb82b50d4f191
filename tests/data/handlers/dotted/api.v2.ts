export const handler = () => 'v2'
