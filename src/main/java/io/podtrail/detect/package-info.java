/**
 * The detection stage: policies in Falco's rules format. {@link io.podtrail.detect.RuleLoader} reads rules files
 * (read, collect with append/override, expand macros and lists, resolve against the field catalogue),
 * {@link io.podtrail.detect.RuleEngine} evaluates the loaded rules on each event (indexed by source and evt.type)
 * and returns {@link io.podtrail.detect.PolicyEvent}s; {@link io.podtrail.detect.Detector} is the entry point
 * the pipeline's writer calls. The default policy set is {@link io.podtrail.detect.DefaultRules}. See docs/rules.md.
 */
package io.podtrail.detect;
