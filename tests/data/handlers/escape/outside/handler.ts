export const handler = () => 2
