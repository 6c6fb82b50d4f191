export const handler = () => <main />
