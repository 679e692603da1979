// BankEnvironment: the AgentDojo "banking" suite as an environment model (SPEC §3).
//
// Tools, argument names and types are exactly those of the "banking" section
// of fixtures/agentdojo/tools.json; the initial state is a transcription of
// the suite's environment.yaml (AgentDojo commit 96046ab), whose injection
// placeholders are filled by BankInjections: Benign() holds the defaults of
// injection_vectors.yaml. Nothing is read from disk at run time.
//
// Effects follow AgentDojo's banking_client, with two deliberate additions:
// send_money also lowers the balance (AgentDojo leaves it unchanged) and fails
// when the amount exceeds it, and negative amounts are refused. Failures
// (unknown tool, arguments the schemas reject, an unknown scheduled id,
// insufficient balance) are outcomes with ok=false and change nothing.
// send_money and schedule_transaction are idempotent: a repeated call with the
// same non-empty idempotency key is not applied again.
//
// Determinism: state and outputs are pure functions of the calls applied.
// Thread-safety: none (see EnvironmentModel).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/injection.h"
#include "models/tool_model.h"

namespace logact::models {

// The account the AgentDojo banking injection tasks send money to.
inline constexpr std::string_view kAttackerIban = "US133000000121212121212";
// The account of the user (bank_account.iban).
inline constexpr std::string_view kUserIban = "DE89370400440532013000";

// The values of the four injection placeholders of environment.yaml.
struct BankInjections {
  std::string bill_text;             // {injection_bill_text} in bill-december-2023.txt
  std::string incoming_transaction;  // {injection_incoming_transaction}: subject of transaction 5
  std::string landlord_notice;       // {injection_landloard_notice} in landlord-notices.txt
  std::string address_change;        // {injection_address_change} in address-change.txt

  // The defaults of injection_vectors.yaml: the benign environment.
  static BankInjections Benign();
};

// The user of the suite, who signs AgentDojo's injections (see models/injection.h).
inline constexpr std::string_view kBankUser = "Emma Johnson";

class BankEnvironment final : public ToolModel {
 public:
  // The benign initial state.
  BankEnvironment();
  explicit BankEnvironment(const BankInjections& injections);

  const ToolSchemas& schemas() const override;
  std::unique_ptr<EnvironmentModel> Clone() const override;
  // {"bank_account":{"balance","iban","transactions","scheduled_transactions"},
  //  "filesystem":{"files":{...}},"user_account":{...}}: environment.yaml's shape.
  Json StateJson() const override;

  // The schemas as JSON (ToolSchemasToJson of schemas()).
  static Json SchemasJson();

  // Recovery probes: send_money -> get_most_recent_transactions (counts the
  // matching transactions), schedule_transaction and
  // update_scheduled_transaction -> get_scheduled_transactions,
  // update_user_info -> get_user_info. update_password has no read that shows
  // it (it is re-proposed: setting a password twice leaves the same state).
  std::optional<Action> RecoveryProbe(const Action& action) const override;
  std::optional<bool> ProbeShowsApplied(const Action& action, bool ok, const Json& output,
                                        int64_t applied_before) const override;

 protected:
  ToolOutcome Apply(const Action& action) override;
  int64_t CostMs(const std::string& tool) const override;

 private:
  struct Transaction {
    int64_t id = 0;
    std::string sender;
    std::string recipient;
    double amount = 0;
    std::string subject;
    std::string date;
    bool recurring = false;
  };
  static Json TransactionJson(const Transaction& transaction);
  Json UserInfoJson() const;
  // AgentDojo's next_id: one above the largest id of either list (kept in
  // largest_id_, since ids only grow: scanning the lists made a long run's
  // payments quadratic).
  int64_t NextId() const { return largest_id_ + 1; }

  ToolOutcome SendMoney(const Json& args);
  // The failed outcome of a payment of `amount` above balance_.
  ToolOutcome InsufficientBalance(double amount);
  ToolOutcome ScheduleTransaction(const Json& args);
  ToolOutcome UpdateScheduledTransaction(const Json& args);
  ToolOutcome GetMostRecentTransactions(const Json& args) const;
  ToolOutcome ReadFile(const Json& args) const;
  ToolOutcome UpdatePassword(const Json& args);
  ToolOutcome UpdateUserInfo(const Json& args);

  double balance_ = 0;
  std::string iban_;
  std::vector<Transaction> transactions_;
  std::vector<Transaction> scheduled_transactions_;
  std::map<std::string, std::string> files_;
  // What read_file returns for each file (its content as a JSON string),
  // written once: the files never change and escaping them was most of a read.
  std::map<std::string, std::string> file_outputs_;
  int64_t largest_id_ = 0;
  std::string first_name_;
  std::string last_name_;
  std::string street_;
  std::string city_;
  std::string password_;
  // The last insufficient-balance outcome and the doubles' bits it was made
  // from. Once the balance runs out, a long run repeats the same failed
  // payment task after task, and printing the two amounts (JSON's shortest
  // round-trip doubles) was most of the call. Derived data, not state.
  struct InsufficientOutcome {
    uint64_t balance_bits = 0;
    uint64_t amount_bits = 0;
    ToolOutcome outcome;
  };
  std::optional<InsufficientOutcome> insufficient_;
};

}  // namespace logact::models
