// The pay page at /pay/{payment id}: a customer pays a payment request sent in the chat.
import { render } from "preact";
import { PayPage } from "./PayPage";
import "./pay.css";

render(<PayPage paymentId={location.pathname.split("/")[2] ?? ""} />, document.getElementById("root")!);
