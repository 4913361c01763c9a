/**
 * The one picker the order forms use for a lab test or a medication. Swapping this line for the
 * shared terminology-backed CodePicker (same props) changes both forms at once.
 */
export { OrderablePicker as OrderPicker } from './OrderablePicker.tsx';
