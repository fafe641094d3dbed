// Rule tables of the objects nested in a customer: contacts, addresses, documents, the other
// questionnaire lists, fieldOfActivity and related entities (amlyze-api.md §2.1, §2.3, §2.4).
//
// Documented codes are written without their context prefix; the parent list adds it, so the
// same contact table yields "Co1" at customer level and "C017.C016.RE06.Co1" inside a related
// entity. Codes for customer-level contacts are not documented: the sandbox uses bare "Co1"/"Co2".
#pragma once

#include <vector>

#include "sandbox/field_rules.hpp"

namespace etl::sandbox {

// ContactApi: contactType (Co1), contactDetails (Co2).
const ObjectSpec& contact_spec();

// AddressApi: country (ADR02), plus the optional text fields.
const ObjectSpec& address_spec();

// BusinessEntityDocumentApi: entityType (DOC01), documentNumber (DOC03), documentIssueCountry
// (DOC06); identityDocumentType, documentIssueDate and documentIssueAuthority use the generic
// codes.
const ObjectSpec& document_spec();

// FieldOfActivityApi, a single object (not a list): student country FOA01, pension country FOA02.
const ObjectSpec& field_of_activity_spec();

// RelatedEntityApi: relationType (RE01), entityType (RE02), countries (RE03); firstName and
// lastName when INDIVIDUAL, title when ORGANIZATION (generic code, AMLYZE documents none).
const ObjectSpec& related_entity_spec();

// Every list field a customer of either entity type may carry, with AMLYZE's customer-level code
// prefixes ("Q004." for addresses, "Q002." for documents, "C017.C016." for related entities).
const std::vector<FieldRule>& customer_list_fields();

}  // namespace etl::sandbox
