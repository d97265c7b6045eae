"use strict";
// A small CDK app synthesized offline: a public bucket fails synthesis with
// Ward's finding in the CDK's validation report; the bucket fixed, it
// synthesizes.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { test } = require("node:test");
const cdk = require("aws-cdk-lib");
const s3 = require("aws-cdk-lib/aws-s3");
const { WardValidator } = require("@ward-policy/cdk-validator");

function synth(publicBucket) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ward-cdk-"));
  const validator = new WardValidator({ failOn: "high" });
  const context = { "@aws-cdk/core:validationReportJson": true };
  // Newer aws-cdk-lib adds plugins with Validations; older ones take them
  // in the App's properties.
  const app = cdk.Validations
    ? new cdk.App({ outdir, context })
    : new cdk.App({ outdir, context, policyValidationBeta1: [validator] });
  if (cdk.Validations) cdk.Validations.of(app).addPlugins(validator);
  const stack = new cdk.Stack(app, "Site");
  new s3.Bucket(stack, "Assets", {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: publicBucket ? s3.BlockPublicAccess.BLOCK_ACLS_ONLY : s3.BlockPublicAccess.BLOCK_ALL,
    publicReadAccess: publicBucket,
  });
  const log = console.error;
  console.error = () => {};
  try {
    app.synth();
    return { error: null, report: readReport(outdir) };
  } catch (error) {
    return { error, report: readReport(outdir) };
  } finally {
    console.error = log;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function readReport(outdir) {
  const file = path.join(outdir, "validation-report.json");
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
}

test("a public bucket fails synthesis with Ward's finding in the CDK report", () => {
  const { error, report } = synth(true);
  assert.ok(error, "synthesis fails");
  assert.match(error.message, /Validation failed/);
  const ward = report.pluginReports.find((plugin) => plugin.pluginName === "ward");
  assert.strictEqual(ward.conclusion, "failure");
  const publicAccess = ward.violations.find((violation) => violation.ruleName === "WARD-S3-002");
  assert.ok(publicAccess, JSON.stringify(ward.violations.map((violation) => violation.ruleName)));
  const construct = publicAccess.violatingConstructs[0];
  assert.strictEqual(construct.constructPath, "Site/Assets/Resource");
});

test("the bucket fixed, the app synthesizes", () => {
  const { error, report } = synth(false);
  assert.strictEqual(error, null, error && error.message);
  const ward = report.pluginReports.find((plugin) => plugin.pluginName === "ward");
  assert.strictEqual(ward.conclusion, "success");
});
