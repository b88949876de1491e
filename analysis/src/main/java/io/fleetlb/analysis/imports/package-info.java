/**
 * Runs measured by other tools, read as either arm of a comparison: {@code vllm bench serve}'s
 * result JSON ({@link io.fleetlb.analysis.imports.VllmBenchServe}), GenAI-Perf's {@code
 * profile_export.json} ({@link io.fleetlb.analysis.imports.GenAiPerf}) and AIPerf's exports ({@link
 * io.fleetlb.analysis.imports.AiPerf}). Each maps the tool's per-request data onto our request
 * records with our (vLLM's) metric definitions, and {@link io.fleetlb.analysis.imports.ImportedRun}
 * builds the run the comparison reads.
 */
package io.fleetlb.analysis.imports;
