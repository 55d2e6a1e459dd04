// Command psa-judge evaluates pods with upstream Pod Security Admission
// (k8s.io/pod-security-admission/policy), so the tests can hold the library's TypeScript checker
// and its output against the real thing.
//
// Input, on stdin: one JSON object per line,
//
//	{"id": "any string", "level": "restricted", "version": "v1.27", "pod": {"metadata": {...}, "spec": {...}}}
//
// Output, on stdout: one JSON object per input line, in order,
//
//	{"id": "...", "violations": [{"check": "runAsNonRoot", "reason": "...", "detail": "..."}]}
//
// or {"id": "...", "error": "..."} when the line cannot be evaluated (bad level, version or pod).
// An empty violations list means the API server would admit the pod at that level and version.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type request struct {
	ID      string          `json:"id"`
	Level   string          `json:"level"`
	Version string          `json:"version"`
	Pod     json.RawMessage `json:"pod"`
}

type pod struct {
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     corev1.PodSpec    `json:"spec"`
}

type violation struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

type response struct {
	ID         string      `json:"id"`
	Violations []violation `json:"violations"`
	Error      string      `json:"error,omitempty"`
}

// Upstream's CheckResult does not say which check produced it, so each check function is wrapped
// to prefix its forbidden reason with the check ID. The evaluator itself (version selection,
// restricted checks overriding baseline ones) stays upstream's.
const sep = "\x00"

func labelledChecks() []policy.Check {
	var out []policy.Check
	for _, c := range policy.DefaultChecks() {
		id := string(c.ID)
		versions := make([]policy.VersionedCheck, len(c.Versions))
		for i, v := range c.Versions {
			fn := v.CheckPod
			v.CheckPod = func(m *metav1.ObjectMeta, s *corev1.PodSpec) policy.CheckResult {
				r := fn(m, s)
				if !r.Allowed {
					r.ForbiddenReason = id + sep + r.ForbiddenReason
				}
				return r
			}
			versions[i] = v
		}
		c.Versions = versions
		out = append(out, c)
	}
	return out
}

func evaluate(ev policy.Evaluator, req request) response {
	res := response{ID: req.ID, Violations: []violation{}}
	level, err := api.ParseLevel(req.Level)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	version, err := api.ParseVersion(req.Version)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	var p pod
	dec := json.NewDecoder(bytes.NewReader(req.Pod))
	// A field the Go types do not know would be silently dropped; fail instead, so a typo in a
	// test's pod cannot make both checkers agree on a pod neither saw.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		res.Error = "pod: " + err.Error()
		return res
	}
	applyDefaults(&p.Spec)
	for _, r := range ev.EvaluatePod(api.LevelVersion{Level: level, Version: version}, &p.Metadata, &p.Spec) {
		if r.Allowed {
			continue
		}
		check, reason, _ := strings.Cut(r.ForbiddenReason, sep)
		res.Violations = append(res.Violations, violation{Check: check, Reason: reason, Detail: r.ForbiddenDetail})
	}
	return res
}

// applyDefaults does what API defaulting does before admission sees a pod, where it changes what
// the checks read: a volume that names no source becomes an emptyDir (SetDefaults_Volume in
// kubernetes pkg/apis/core/v1/defaults.go). Upstream's own fixtures rely on it.
func applyDefaults(spec *corev1.PodSpec) {
	for i := range spec.Volumes {
		if reflect.DeepEqual(spec.Volumes[i].VolumeSource, corev1.VolumeSource{}) {
			spec.Volumes[i].VolumeSource.EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
	}
}

func main() {
	ev, err := policy.NewEvaluator(labelledChecks(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "psa-judge:", err)
		os.Exit(2)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		line := bytes.TrimSpace(in.Bytes())
		if len(line) == 0 {
			continue
		}
		var req request
		var res response
		if err := json.Unmarshal(line, &req); err != nil {
			res = response{Violations: []violation{}, Error: "request: " + err.Error()}
		} else {
			res = evaluate(ev, req)
		}
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "psa-judge:", err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "psa-judge:", err)
		os.Exit(2)
	}
}
