/**
 * Imported first by the local entry points (npm start, the CLI, benchmarks),
 * before any handler module creates its Powertools instances: locally there is
 * no CloudWatch to take metrics or X-Ray to take traces, and logs show errors
 * unless O2C_LOG_LEVEL says otherwise.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.DDB_LOCAL_TELEMETRY = '0';
process.env.CDK_DISABLE_VERSION_CHECK ??= '1';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.O2C_LOG_LEVEL ?? 'ERROR';
export {};
