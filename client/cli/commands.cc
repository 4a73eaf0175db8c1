#include "client/cli/commands.h"

namespace advect::cli {

const std::vector<FlagDef>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagDef>{
      {"server", "HOST:PORT", "address of advectd (default: $ADVECT_SERVER, else\n127.0.0.1:50051)"},
      {"json", "", "print the result as proto3 JSON (snake_case field names)\non stdout, nothing else"},
  };
  return *flags;
}

const std::vector<CommandDef>& Commands() {
  static const auto* commands = new std::vector<CommandDef>{
      {"ot",
       "sinkhorn",
       "entropic optimal transport (log-domain Sinkhorn) between two point clouds",
       {"ot sinkhorn --x X --y Y --epsilon E [FLAGS]",
        "ot sinkhorn --cost COST_FILE --epsilon E [FLAGS]"},
       "Solves min <P, C> + epsilon * KL(P | a x b) over couplings P of a and b on the\n"
       "server. By default it streams the job (Run), shows a progress line on stderr\n"
       "when stderr is a terminal, and prints a summary: transport cost, dual\n"
       "objective, iterations, marginal error, converged, epsilon, job id, elapsed.\n"
       "With --json it prints the advect.v1.EntropicOtResult instead; with --detach\n"
       "it submits the job (SubmitJob) and prints its id (--json: the Job).\n"
       "\n"
       "Input files are .npy (float64 or float32, 1-D or 2-D) or CSV (one row per\n"
       "line, numbers separated by commas, an optional header line). Points are\n"
       "2-D, one row per point; a 1-D file for --x or --y is read as n points in\n"
       "dimension d = 1. Weights are 1-D (or n x 1).",
       "",
       {
           {"x", "FILE", "source points, n x d (1-D file: n points in d = 1)"},
           {"y", "FILE", "target points, m x d, same d as --x (1-D file: d = 1)"},
           {"a", "FILE", "source weights, n values >= 0 (default: uniform)"},
           {"b", "FILE", "target weights, m values >= 0 (default: uniform)"},
           {"cost", "COST",
            "sqeuclidean (default, |x-y|^2), euclidean (|x-y|), power:P\n"
            "(|x-y|^P), or FILE: an explicit n x m cost matrix, given\n"
            "instead of --x and --y"},
           {"epsilon", "E", "entropic regularisation, > 0 (required)"},
           {"tol", "T", "stop at L1 marginal error <= T (default 1e-9)"},
           {"max-iter", "N", "maximum iterations over all stages (default 1000)"},
           {"normalize-cost", "", "divide the cost by its maximum before solving"},
           {"epsilon-scaling", "", "solve a decreasing sequence of epsilons, warm-started"},
           {"epsilon-start", "E0",
            "first epsilon of --epsilon-scaling (default: the largest cost)"},
           {"epsilon-decay", "Q", "factor between stages, in (0, 1) (default 0.5)"},
           {"plan", "", "return the n x m plan (plan.npy with --out)"},
           {"frame-every", "K", "ask for a trajectory frame every K iterations"},
           {"max-frames", "N", "at most N frames (default: the server's limit)"},
           {"timeout", "SECONDS",
            "deadline of the call; with --detach, the job's time limit"},
           {"detach", "", "submit the job, print its id and return at once"},
           {"out", "DIR",
            "write every array of the result as DIR/<field>.npy (f.npy,\n"
            "g.npy, plan.npy); DIR is created if missing"},
       }},
      {"jobs",
       "list",
       "list the server's jobs, newest first",
       {"jobs list [--state STATE] [--page-size N] [--page-token T]"},
       "Prints one line per job (--json: the advect.v1.ListJobsResponse). When more\n"
       "jobs remain, the last line gives the --page-token of the next page.",
       "",
       {
           {"state", "STATE", "only jobs in this state: queued, running, succeeded,\nfailed or cancelled"},
           {"page-size", "N", "jobs per page, 1..1000 (default 50)"},
           {"page-token", "T", "the token printed by the previous page"},
       }},
      {"jobs",
       "get",
       "show a job and its result",
       {"jobs get ID [--out DIR]"},
       "Prints the job's state, times, progress and, once it has succeeded, a summary\n"
       "of its result (--json: the advect.v1.Job).",
       "ID",
       {
           {"out", "DIR",
            "write every array of the result as DIR/<field>.npy once the job\n"
            "has succeeded (nothing is written while it is queued or running;\n"
            "a failed or cancelled job exits 5)"},
       }},
      {"jobs",
       "watch",
       "stream a job's events until it ends",
       {"jobs watch ID [--after SEQ]"},
       "Prints one line per event (--json: one advect.v1.JobEvent per line) until the\n"
       "job reaches a terminal state. Exits 5 when the job ends failed or cancelled.",
       "ID",
       {
           {"after", "SEQ", "only events with sequence > SEQ (default 0: all)"},
       }},
      {"jobs",
       "cancel",
       "cancel a queued or running job",
       {"jobs cancel ID"},
       "Requests cancellation and prints the job (--json: the advect.v1.Job). A\n"
       "finished job is left as it is. Use 'advect jobs watch ID' to see it end.",
       "ID",
       {}},
  };
  return *commands;
}

const CommandDef* FindCommand(absl::string_view group, absl::string_view name) {
  for (const CommandDef& c : Commands()) {
    if (c.group == group && c.name == name) return &c;
  }
  return nullptr;
}

bool IsGroup(absl::string_view group) { return group == "ot" || group == "jobs"; }

std::vector<FlagDef> AllFlags(const CommandDef& command) {
  std::vector<FlagDef> all = command.flags;
  all.insert(all.end(), GlobalFlags().begin(), GlobalFlags().end());
  return all;
}

}  // namespace advect::cli
