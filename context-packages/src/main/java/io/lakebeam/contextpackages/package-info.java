/**
 * Versioned, reproducible context packages for RAG and agents, without Beam: the spec ({@link
 * io.lakebeam.contextpackages.ContextSpec}, {@link io.lakebeam.contextpackages.SpecParser}), the
 * per-topic builder ({@link io.lakebeam.contextpackages.PackageBuilder}), the versioned packages
 * table ({@link io.lakebeam.contextpackages.PackageTable}) and serving ({@link
 * io.lakebeam.contextpackages.ContextStore}). The Beam pipeline that builds many topics is in
 * {@code io.lakebeam.contextpackages.beam}.
 */
package io.lakebeam.contextpackages;
