/** Imported first by the local entry points: keeps the local stack's output to what matters. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.DDB_LOCAL_TELEMETRY = '0';
process.env.CDK_DISABLE_VERSION_CHECK ??= '1';
export {};
