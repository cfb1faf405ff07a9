/**
 * {@code pptp-gateway inspect}: what happened to the PPTP calls in a packet capture.
 *
 * <p>Two layers. {@link net.pptpgw.gateway.inspect.CaptureReader} turns frames into
 * {@link net.pptpgw.gateway.inspect.CaptureEvent}s: reassembled control-connection bytes per
 * direction, GRE datagrams, and what could not be read. {@link net.pptpgw.gateway.inspect.Inspector}
 * consumes them and builds an {@link net.pptpgw.gateway.inspect.InspectionReport} with the
 * protocol module's codecs only:
 * <ul>
 *   <li>{@code ControlStreamFramer} splits each control stream into messages
 *       ({@code ControlMessages.decode}) and resynchronises after damage;</li>
 *   <li>{@code ControlConnectionTracker} follows a connection's roles, calls (matched by call ID,
 *       RFC 2637 §2.7-§2.13) and end, and tells {@code GreRoutes} which GRE keys each call expects;</li>
 *   <li>{@code GreFlowTracker} counts a direction's GRE with serial-number arithmetic (RFC 1982);</li>
 *   <li>{@code PppTracker} follows the PPP session inside a call's GRE ({@code PppUnit} decodes
 *       each frame): LCP/IPCP/CCP negotiation, authentication, echoes, MPPE frames;</li>
 *   <li>{@code Findings} collects the anomalies, counting repeats under the first one.</li>
 * </ul>
 * {@link net.pptpgw.gateway.inspect.TextReport} and {@link net.pptpgw.gateway.JsonWriter}
 * write the report; {@link net.pptpgw.gateway.inspect.InspectCommand} is the picocli command.
 */
package net.pptpgw.gateway.inspect;
