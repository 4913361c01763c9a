/**
 * The one picker the order forms use for a lab test (LOINC) or a medication (RxNorm): the shared
 * terminology-backed CodePicker, searching the server's `ValueSet/$expand` as the user types.
 */
export { CodePicker as OrderPicker } from '../../ui/CodePicker.tsx';
