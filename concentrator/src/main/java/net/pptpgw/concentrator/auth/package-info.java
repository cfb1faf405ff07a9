/** Users and their secrets as pppd/pptpd keep them ({@code /etc/ppp/chap-secrets}). */
package net.pptpgw.concentrator.auth;
