// Vite's `?raw` imports (a file's text, in Node and in the browser), for tests
// that compare a document with the code it shows.
declare module '*?raw' {
  const text: string;
  export default text;
}
