#!/usr/bin/env node
/** CDK entry: `npx cdk synth` / `npx cdk deploy` (see cdk.json). */
import { buildApp } from '../lib/app.ts';

buildApp().app.synth();
