export const handler = async () => <div>hello</div>
