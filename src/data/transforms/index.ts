/** tg.data.transforms — composable, seeded vision transforms on [C, H, W] tensors. */
export {
  compose, toTensor, normalize, affine, affineMatrix, randomAffine, randomRotation, resize, crop, centerCrop, randomCrop,
  randomResizedCrop, hflip, randomHorizontalFlip, colorJitter, grayscale, randomErasing,
  type Transform, type AffineOptions, type ColorJitterOptions,
} from "./transforms.js";
export { adjustBrightness, adjustContrast, adjustSaturation, adjustHue, rgbToGrayscale, rgbToHsv, hsvToRgb } from "./color.js";
export { sampleAffine, type Affine } from "./sample.js";
export { gaussianBlur, gaussianBlurImage, solarize, randomSolarize, randomApply, randomGrayscale } from "./filters.js";
