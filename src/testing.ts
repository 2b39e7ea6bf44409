/** Tools for testing models and ops (`tg.testing`). */
export { gradcheck, type GradcheckOptions } from "./autograd/gradcheck.js";
