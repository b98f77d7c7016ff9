/**
 * The Apache Beam pipeline that builds context packages for many topics ({@link
 * io.lakebeam.contextpackages.beam.ContextBuild}). Needs Beam and lakebeam-transforms on the class
 * path (optional dependencies of this module).
 */
package io.lakebeam.contextpackages.beam;
