/** Every stylesheet the views need, as one string (made by build.mjs). */
declare module 'huntkit:css' {
  const css: string;
  export default css;
}
