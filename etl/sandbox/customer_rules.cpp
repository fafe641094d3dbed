// Per-customer validation; see customer_rules.hpp.
#include "sandbox/customer_rules.hpp"

#include <string>

#include "sandbox/nested_rules.hpp"

namespace etl::sandbox {
namespace {

using nlohmann::json;
constexpr Need kReq = Need::kRequired;
constexpr Need kOpt = Need::kOptional;

// Documented maximum lengths (amlyze-api.md §2.0).
constexpr std::size_t kMaxCommunicationNumber = 255;
constexpr std::size_t kMaxRequester = 100;
constexpr std::size_t kMaxDescription = 32768;

const std::string& text_of(const json& item, const char* key) {
  return item.at(key).get_ref<const std::string&>();
}

bool present(const json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && !is_blank(*it);
}

RuleResult check_header(const json& item) {
  static const std::vector<FieldRule> fields = {
      string_field("communicationNumber", kReq, "001", kMaxCommunicationNumber),
      string_field("requester", kReq, "001", kMaxRequester),
      string_field("customerExtId", kReq, "C002"),
      enum_field("entityType", {"INDIVIDUAL", "ORGANIZATION"}, kReq, "C010"),
      date_field("applicationDate", kReq, "C012"),
      // C007 also covers "unknown category"; the classifier is per installation, so the sandbox
      // accepts any name.
      string_field("riskManagementCategory", kReq, "C007"),
  };
  return check_fields(item, fields, {});
}

// The batch endpoint is IMPORT-only, and leads need EVALUATE (amlyze-api.md §7 "Leads").
RuleResult check_lead_category(const json& item) {
  const std::string& category = text_of(item, "riskManagementCategory");
  const bool lead =
      category.rfind("LEAD_", 0) == 0 ||
      (category.size() >= 5 && category.compare(category.size() - 5, 5, "_LEAD") == 0);
  if (!lead) return std::nullopt;
  return Rejection{"C008.I02",
                   "RiskManagementCategory " + value_in_description(Shown::kCode, category) +
                       " is a lead category, forbidden with sourceOfRiskLevel = IMPORT"};
}

RuleResult check_status(const json& item) {
  static const std::vector<FieldRule> fields = {
      enum_field("riskLevel", {"NONE", "LOW", "MEDIUM", "HIGH", "EXTREME"}, kReq, kCodeRiskLevel),
      enum_field("customerStatus", {"PENDING", "ACTIVE", "REJECTED", "SUSPENDED", "CLOSED"}, kReq,
                 kCodeCustomerStatus),
      enum_field("action", {"CREATE", "UPDATE"}, kOpt),
      enum_field("sourceOfRiskLevel", {"IMPORT", "EVALUATE"}, kOpt),
  };
  return check_fields(item, fields, {});
}

// A null closingDate counts as absent here: Java sees the same null field either way.
RuleResult check_closing_date(const json& item) {
  const bool closed = text_of(item, "customerStatus") == "CLOSED";
  const bool has_date = present(item, "closingDate");
  if (closed && !has_date) {
    return Rejection{"C013", "ClosingDate is mandatory when customerStatus = CLOSED"};
  }
  if (!closed && has_date) {
    return Rejection{"C013a", "ClosingDate must be empty unless customerStatus = CLOSED"};
  }
  return std::nullopt;
}

// Strict reading of open question 6: a forbidden key is rejected even when its value is null.
RuleResult check_forbidden(const json& item, const std::vector<FieldRule>& forbidden,
                           const char* code, const char* entity_type) {
  for (const FieldRule& rule : forbidden) {
    if (item.contains(std::string(rule.name))) {
      return Rejection{code, std::string("Field not allowed for ") + entity_type +
                                 ". Field: " + std::string(rule.name)};
    }
  }
  return std::nullopt;
}

RuleResult check_entity_type_fields(const json& item) {
  if (text_of(item, "entityType") == "INDIVIDUAL") {
    if (auto rejection = check_forbidden(item, organization_fields(), "C014", "INDIVIDUAL")) {
      return rejection;
    }
    return check_fields(item, individual_fields(), {});
  }
  if (auto rejection = check_forbidden(item, individual_fields(), "C015", "ORGANIZATION")) {
    return rejection;
  }
  return check_fields(item, organization_fields(), {});
}

RuleResult check_common_fields(const json& item) {
  static const std::vector<FieldRule> fields = {
      string_field("businessUnit"),
      date_field("approvalDate"),
      date_field("closingDate"),
      string_field("nationalCode"),
      string_field("activityDescription", kOpt, {}, kMaxDescription),
      boolean_field("isPEP"),
      boolean_field("isSanctioned"),
      boolean_field("isInAdverseMedia"),
      boolean_field("isInInternalList"),
      enum_field("listPurpose", {"BLACK", "WHITE"}, kOpt),
      boolean_field("isActualAddressDeclared"),
      boolean_field("isCorrespondenceAddressDeclared"),
      string_field("incomeSourceDescription"),
      string_field("initialDepositSource"),
      string_field("initialDepositBank"),
      string_field("initialDepositAccount"),
      number_field("initialDepositAmount"),
      string_field("initialDepositCurrency"),
      boolean_field("doesCashDominate"),
      enum_list_field("initializeScreeningProcesses",
                      {"SANCTIONS", "PEP", "ADVERSE_MEDIA", "INTERNAL_LIST"}, "SCR01"),
  };
  if (auto rejection = check_fields(item, fields, {})) return rejection;
  return check_fields(item, customer_list_fields(), {});
}

}  // namespace

const std::vector<FieldRule>& individual_fields() {
  static const std::vector<FieldRule> fields = {
      string_field("firstName", kReq),
      string_field("lastName", kReq),
      country_field("citizenshipCountry", kReq, "C016.I06"),
      date_field("birthDate"),
      country_field("birthCountry", kOpt, "C016.I06"),
      country_field("secondCitizenshipCountry", kOpt, "C016.I08"),
      country_field("permanentResidenceCountry", kOpt, "C016.I08"),
      boolean_field("isLegalResident"),
      boolean_field("isFamilyPEP"),
      boolean_field("isLitigated"),
      boolean_field("amlOfficer"),
      object_field("fieldOfActivity", field_of_activity_spec()),
  };
  return fields;
}

const std::vector<FieldRule>& organization_fields() {
  static const std::vector<FieldRule> fields = {
      string_field("title", kReq, "C017.O01"),
      country_field("registrationCountry", kReq, "REG"),
      string_field("legalForm", kReq),
      string_field("tradingName"),
      date_field("establishmentDate"),
      string_field("activityInRestrictedRegionDescription", kOpt, {}, kMaxDescription),
      string_field("giin"),
      string_field("lei"),
      boolean_field("isAudited"),
      integer_field("numberOfAudits"),
      integer_field("periodsOfAuditsInYears"),
      string_field("organizationalStructureDescription"),
      boolean_field("hasMultiLayerStructure"),
      boolean_field("isFinancialInstitution"),
      boolean_field("isDirectlyManaged"),
      boolean_field("noMajorShareHolders"),
      integer_field("numberOfEmployees"),
      integer_field("companyAssetValue"),
      boolean_field("isFined"),
      integer_field("periodsOfFiningInYears"),
      boolean_field("isListed"),
      boolean_field("isRegulated"),
      boolean_field("isLicenseRequired"),
      string_field("licenseDescription"),
      // Documented as String, but the sample sends a JSON boolean (amlyze-api.md §2.2 [INFERRED]).
      boolean_field("thirdPartyServicesUsed"),
      string_field("thirdPartyServicesUsedDescription"),
      string_field("regionOfActivityDescription"),
  };
  return fields;
}

RuleResult check_customer(const json& item) {
  // Each step may rely on the fields the steps before it accepted. Add a step here, or a row to
  // one of the tables, to teach the sandbox a new rule.
  using Step = RuleResult (*)(const json&);
  static constexpr Step kSteps[] = {
      check_header,       check_lead_category,      check_status,
      check_closing_date, check_entity_type_fields, check_common_fields};
  for (Step step : kSteps) {
    if (auto rejection = step(item)) return rejection;
  }
  return std::nullopt;
}

Action action_of(const json& item) {
  const auto it = item.find("action");
  const bool update =
      it != item.end() && it->is_string() && it->get_ref<const std::string&>() == "UPDATE";
  return update ? Action::kUpdate : Action::kCreate;
}

}  // namespace etl::sandbox
