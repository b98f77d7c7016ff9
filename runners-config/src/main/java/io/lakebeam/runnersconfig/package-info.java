/**
 * Runner options for Direct, Flink, Spark and Dataflow: the only module that knows runners. Filled
 * by the offline-path issue.
 */
package io.lakebeam.runnersconfig;
