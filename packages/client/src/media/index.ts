/** The rich values `run.log` and `run.summary` take (W&B's `wandb.Image`, `wandb.Histogram`, ...). */
export { Audio, type AudioInput, type AudioOptions, type AudioSamples } from './audio.js';
export { histogram, Histogram, type HistogramData, type HistogramOptions } from './histogram.js';
export { Html, type HtmlOptions } from './html.js';
export { Image, type ImageFormat, type ImageInput, type ImageOptions } from './image.js';
export type { ShapedData, TensorLike } from './ndarray.js';
export { Object3D, type LidarScene, type Object3DFormat, type Object3DInput, type Object3DOptions, type PointCloud } from './object3d.js';
export type { ImageMode } from './pixels.js';
export { Video, type VideoFormat, type VideoInput, type VideoOptions } from './video.js';
export { CustomChart, WBValue, type ChartSpecOut, type MediaContext, type MediaFileOut } from './wb-value.js';
