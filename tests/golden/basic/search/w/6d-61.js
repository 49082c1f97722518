SITEGEN_SEARCH_CHUNK("w/6d-61",{"machine":"3","machinegenerated":"3","main":"0","matches":"3","material":"3"});
