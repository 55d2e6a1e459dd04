// Command pod-requests computes pods' effective requests and limits with upstream Kubernetes
// (k8s.io/component-helpers/resource: PodRequests and PodLimits, what the scheduler and the
// ResourceQuota admission count), so the tests can hold the library's quota arithmetic
// (src/model/pod-quota.ts) against the real thing.
//
// Input, on stdin: one JSON object per line, {"id": "any string", "spec": {...a PodSpec...}}.
// Output, on stdout: one JSON object per input line, in order,
//
//	{"id": "...", "requests": {"cpu": "700m", ...}, "limits": {...}}
//
// or {"id": "...", "error": "..."} when the line is not a pod spec.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

type request struct {
	ID   string         `json:"id"`
	Spec corev1.PodSpec `json:"spec"`
}

type response struct {
	ID       string            `json:"id"`
	Requests map[string]string `json:"requests,omitempty"`
	Limits   map[string]string `json:"limits,omitempty"`
	Error    string            `json:"error,omitempty"`
}

func quantities(l corev1.ResourceList) map[string]string {
	out := map[string]string{}
	for name, q := range l {
		out[string(name)] = q.String()
	}
	return out
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var r request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			resp = response{ID: r.ID, Error: err.Error()}
		} else {
			pod := &corev1.Pod{Spec: r.Spec}
			opts := resourcehelper.PodResourcesOptions{}
			resp = response{ID: r.ID, Requests: quantities(resourcehelper.PodRequests(pod, opts)), Limits: quantities(resourcehelper.PodLimits(pod, opts))}
		}
		if err := enc.Encode(resp); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
