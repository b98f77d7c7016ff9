/**
 * Pictures: decoding with a pixel limit ({@link io.lakebeam.multimodal.image.ImageDecoder}),
 * thumbnails, perceptual hashes for exact and near duplicates ({@link
 * io.lakebeam.multimodal.image.PerceptualHash}: pHash, dHash), and embeddings from any ONNX image
 * encoder ({@link io.lakebeam.multimodal.image.OnnxImageEmbedder}, configured by {@link
 * io.lakebeam.multimodal.image.ImageModelSpec}: CLIP vision towers, ResNet-style backbones).
 */
package io.lakebeam.multimodal.image;
