/** JMH benchmarks; each reports a ratio against a baseline measured in the same run. */
package net.pptpgw.benchmarks;
