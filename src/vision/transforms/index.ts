/** tg.vision.transforms — transforms.v2's detection side: the image, its boxes and its masks moved together. */
export { compose, hflip, resize, crop, affine, randomHorizontalFlip, randomCrop, randomAffine } from "./detection.js";
