/**
 * Document text extraction with Apache Tika: {@link
 * io.lakebeam.multimodal.documents.DocumentExtractor} turns PDF, Office, HTML, Markdown, text and
 * e-mail files into {@link io.lakebeam.multimodal.documents.ExtractedDocument}s whose text keeps
 * paragraphs and headings apart for chunking, within {@link
 * io.lakebeam.multimodal.documents.ExtractionLimits}, and fails every bad file with an {@link
 * io.lakebeam.multimodal.documents.ExtractionException} that names its {@link
 * io.lakebeam.multimodal.documents.ExtractionFailure reason}.
 */
package io.lakebeam.multimodal.documents;
